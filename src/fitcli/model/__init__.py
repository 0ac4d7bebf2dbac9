"""Pure domain: pydantic models and FIT logic. No I/O, no clock, no CLI or terminal imports."""
