"""Measuring drafts against labels: accuracy, fill rate, tier precision and calibration."""
