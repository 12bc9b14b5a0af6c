"""The course machinery: release exercises, check and grade notebooks, verify the course."""
