"""snaplist: product photos in, marketplace listing drafts out."""
