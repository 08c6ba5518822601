"""The live app (make app): a scenario stepped week by week under sliders, drawn live."""
