"""The public pages (public), one-on-one requests and plans (one_on_one), staff pages (staff)."""
