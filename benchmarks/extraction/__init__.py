"""The extraction benchmark: per-field precision, recall and F1 on labelled real texts."""
