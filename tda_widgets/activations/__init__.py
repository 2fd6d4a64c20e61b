"""activations stage of tda_widgets (see DESIGN.md)."""
