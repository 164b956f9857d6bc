"""SAA Tutor core: the quiz and tutor engine. Knows no chat platform."""
