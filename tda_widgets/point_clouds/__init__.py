"""point_clouds stage of tda_widgets (see DESIGN.md)."""
