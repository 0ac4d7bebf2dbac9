"""The shape of the synthetic demo caseload (model/synth.py): which teaching examples come
first and how many clients there may be. Data only, so `fit`'s start-up can read it cheaply.
"""

# The archetypes in the order they are numbered D001, D002, ... (labels come from the caller).
ARCHETYPES: tuple[str, ...] = (
    "early_responder",
    "steady_improver",
    "no_change",
    "deterioration",
    "alliance_drop",
    "intake_above_cutoff",
    "sawtooth",
    "planned_ending",
    "dropout",
    "adolescent",
    "child",
    "collateral_rater",
    "no_recent_meeting",
    "single_meeting",
)
TYPICAL = "typical"  # the kind of every client after the archetypes
DEFAULT_CLIENTS = 20
MAX_CLIENTS = 999  # IDs are D001..D999
ID_PREFIX = "D"
