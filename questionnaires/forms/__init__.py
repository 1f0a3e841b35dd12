"""Forms a ministry fills in where it already works (Excel workbook, XLSForm for KoboToolbox/ODK,
fillable PDF), generated from the questionnaire definition, and their import back to a response file."""
