"""fitcli: Feedback-Informed Treatment (ORS/SRS) in the terminal."""

__version__ = "0.2.0"
