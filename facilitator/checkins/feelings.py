"""The mood scale and the feelings wheel participants choose from."""

MOOD_MIN, MOOD_MAX = 1, 10
# "Really struggling" and "Very low": the console highlights these for the facilitator, and only there.
LOW_MOOD_MAX = 2

MOOD_LABELS = {
    1: "Really struggling",
    2: "Very low",
    3: "Low",
    4: "A bit low",
    5: "Getting by",
    6: "Okay",
    7: "Fairly good",
    8: "Good",
    9: "Really good",
    10: "Great",
}

# Core feelings, each with finer words (after Gloria Willcox's feelings wheel).
FEELINGS_WHEEL: dict[str, tuple[str, ...]] = {
    "joyful": ("hopeful", "grateful", "excited", "cheerful", "playful", "relieved"),
    "peaceful": ("calm", "content", "relaxed", "safe", "thoughtful", "loved"),
    "strong": ("proud", "confident", "capable", "valued", "brave", "respected"),
    "sad": ("lonely", "tired", "hurt", "disappointed", "grieving", "ashamed"),
    "angry": ("frustrated", "irritated", "resentful", "jealous", "on edge", "bitter"),
    "scared": ("anxious", "overwhelmed", "insecure", "confused", "nervous", "helpless"),
}

FEELING_WORDS = frozenset(word for core, finer in FEELINGS_WHEEL.items() for word in (core, *finer))
MAX_FEELINGS = 3
NOTE_MAX_LENGTH = 500
