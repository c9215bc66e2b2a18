"""Uploaded spreadsheets kept between their preview and the confirmation."""
