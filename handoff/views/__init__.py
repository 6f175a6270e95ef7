"""The handoff's pages. One module per area: pages (list and handoff page), dashboard, builder."""
