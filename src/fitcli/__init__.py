"""fitcli: Feedback-Informed Treatment (ORS/SRS) in the terminal."""

import os as _os

__version__ = "0.2.0"

# pydantic plugins (found through package entry points) would see every validated client
# record; clinical data is for nobody else's hooks. Skipping the entry-point scan also saves
# a little start-up time. An explicit setting by the user is respected.
_os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
