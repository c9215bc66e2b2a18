"""Write endpoints (filled in below)."""
