"""Kinerja: competency-based 360° performance assessment for Indonesian civil servants."""
