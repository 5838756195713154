"""The sitemap: home, published roles and open postings."""

# TODO(feeds): the real sitemaps.
sitemaps: dict = {}
