"""Questionnaire definitions, the framework catalogue, and validated response files."""
