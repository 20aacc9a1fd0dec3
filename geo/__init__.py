"""Province boundaries of Vietnam (63 to 2025-06-30, 34 from 2025-07-01) and a small loader."""
