"""The exercise library's vocabularies (docs/api.md, "Vocabularies").

Body regions and movement patterns are shared with the packet's restrictions, so software can
check a program item against a restriction by comparing codes.
"""

from django.db import models


class BodyRegion(models.TextChoices):
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    ELBOW = "elbow", "Elbow"
    WRIST_HAND = "wrist_hand", "Wrist and hand"
    THORACIC_SPINE = "thoracic_spine", "Upper back (thoracic spine)"
    LUMBAR_SPINE = "lumbar_spine", "Lower back (lumbar spine)"
    HIP = "hip", "Hip"
    KNEE = "knee", "Knee"
    ANKLE_FOOT = "ankle_foot", "Ankle and foot"
    CORE = "core", "Core"
    WHOLE_BODY = "whole_body", "Whole body"


class Pattern(models.TextChoices):
    SQUAT = "squat", "Squat"
    HINGE = "hinge", "Hinge"
    LUNGE = "lunge", "Lunge"
    STEP_UP = "step_up", "Step-up"
    PLYOMETRIC = "plyometric", "Jumping and landing (plyometric)"
    OVERHEAD_PRESS = "overhead_press", "Overhead press"
    HORIZONTAL_PRESS = "horizontal_press", "Horizontal press"
    VERTICAL_PULL = "vertical_pull", "Vertical pull"
    HORIZONTAL_PULL = "horizontal_pull", "Horizontal pull"
    CARRY = "carry", "Carry"
    ROTATION = "rotation", "Rotation"
    ANTI_ROTATION = "anti_rotation", "Anti-rotation"
    SPINAL_FLEXION_LOADED = "spinal_flexion_loaded", "Loaded spinal flexion"
    DEEP_KNEE_FLEXION = "deep_knee_flexion", "Deep knee bend"
    END_RANGE_SHOULDER = "end_range_shoulder", "End-range shoulder"
    RUNNING = "running", "Running"
    BALANCE = "balance", "Balance"
    MOBILITY = "mobility", "Mobility"


class Impact(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
