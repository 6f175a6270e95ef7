"""Baton's own exercise library.

Written for this project, not copied from any published source. A ``RunPython`` data migration
loads ``EXERCISES`` into the ``Exercise`` table. Applied migrations never run again, so any edit
here (a new exercise, new wording, changed codes) reaches existing databases only through a new
data migration that updates rows by slug. Slugs are stable keys: never rename or reuse one.

Body regions, patterns and impact are codes from ``exercises.vocabularies``, so a program item can
be checked against a packet restriction by comparing codes. Where the vocabulary has no code for a
movement, the exercise takes the pattern of the movement it builds toward:

- single-joint thigh work (quad set, straight-leg raise, terminal knee extension): ``squat``;
  hamstring curls: ``hinge``; clamshell (hip external rotation): ``rotation``;
- hip abduction, calf and shin work, and walking: ``balance`` (they train single-leg stance);
- trunk and neck bracing holds (planks, dead bug, bird dog, curl-up, neck isometrics):
  ``anti_rotation``;
- grip and wrist strengthening: ``carry``; stationary cycling: ``mobility``.

``deep_knee_flexion`` marks a knee bent past about 90 degrees under load; ``end_range_shoulder``
marks work at or near full overhead reach or end-range rotation. Impact is ``none`` when no foot
strikes the ground under load (lying, seated, machines, upper body, bike, rower, pool), ``low``
for standing and stepping work and walking, ``moderate`` for jogging and ``high`` for jumps and
hops. Equipment is short lowercase names; ``("none",)`` means bodyweight only.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.vocabularies import BodyRegion, Impact, Pattern


@dataclass(frozen=True)
class LibraryExercise:
    slug: str
    name: str
    instructions: str
    body_regions: tuple[str, ...]
    patterns: tuple[str, ...]
    impact: str
    equipment: tuple[str, ...]


EXERCISES: tuple[LibraryExercise, ...] = (
    # Lower body: squat, lunge and step patterns
    LibraryExercise(
        slug="bodyweight-squat",
        name="Bodyweight squat",
        instructions=(
            "Stand with your feet about shoulder-width apart and your arms reaching forward. Sit "
            "your hips back and down as if into a chair, keeping your chest up, then stand back "
            "up. Keep your knees in line with your toes and only go as low as is comfortable."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="box-squat",
        name="Box squat",
        instructions=(
            "Stand in front of a box or sturdy chair with your feet shoulder-width apart. Sit "
            "back slowly until you lightly touch the box, then stand up without rocking forward. "
            "Control the way down rather than dropping onto the seat."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT,),
        impact=Impact.LOW,
        equipment=("box",),
    ),
    LibraryExercise(
        slug="goblet-squat",
        name="Goblet squat",
        instructions=(
            "Hold a dumbbell upright against your chest with both hands, feet a little wider than "
            "your hips. Squat down between your knees as low as you can with a flat back, then "
            "drive up through your whole foot. Keep your heels on the floor throughout."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT, Pattern.DEEP_KNEE_FLEXION),
        impact=Impact.LOW,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="single-leg-box-squat",
        name="Single-leg squat to box",
        instructions=(
            "Stand on one leg in front of a box or chair, the other foot just off the floor. Sit "
            "back slowly until you touch the box, then stand up on the same leg. Keep your knee "
            "in line with your toes; use a higher box if it caves in."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT, Pattern.BALANCE),
        impact=Impact.LOW,
        equipment=("box",),
    ),
    LibraryExercise(
        slug="wall-sit",
        name="Wall sit",
        instructions=(
            "Stand with your back against a wall and your feet about two feet in front of you. "
            "Slide down until your knees are comfortably bent, no lower than level with your "
            "hips, and hold. Keep your weight in your heels and your knees over your ankles."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT,),
        impact=Impact.LOW,
        equipment=("wall",),
    ),
    LibraryExercise(
        slug="leg-press",
        name="Leg press",
        instructions=(
            "Sit in the leg press machine with your feet hip-width apart in the middle of the "
            "platform. Lower the platform by bending your knees toward your chest, then press it "
            "away without snapping your knees straight. Stop lowering before your lower back "
            "lifts off the seat."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT, Pattern.DEEP_KNEE_FLEXION),
        impact=Impact.LOW,
        equipment=("leg press machine",),
    ),
    LibraryExercise(
        slug="split-squat",
        name="Split squat",
        instructions=(
            "Stand in a long stride with one foot forward and the back heel lifted. Lower "
            "straight down until the back knee nearly touches the floor, then push back up "
            "through the front foot. Keep your front knee tracking over your toes and your upper "
            "body tall."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.LUNGE, Pattern.DEEP_KNEE_FLEXION),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="rear-foot-elevated-split-squat",
        name="Rear-foot-elevated split squat",
        instructions=(
            "Stand a long stride in front of a bench and rest the top of your back foot on it. "
            "Lower your back knee toward the floor, then push up through your front heel. Hold on "
            "to something for balance at first if you feel unsteady."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.LUNGE, Pattern.DEEP_KNEE_FLEXION, Pattern.BALANCE),
        impact=Impact.LOW,
        equipment=("bench",),
    ),
    LibraryExercise(
        slug="reverse-lunge",
        name="Reverse lunge",
        instructions=(
            "Stand tall with your feet hip-width apart. Step one foot back and lower until both "
            "knees are bent to about a right angle, then push through the front foot to return. "
            "Keep most of your weight on the front leg and that knee over your toes."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.LUNGE, Pattern.DEEP_KNEE_FLEXION),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="walking-lunge",
        name="Walking lunge",
        instructions=(
            "Step forward into a lunge, lowering your back knee toward the floor. Push off and "
            "bring the back foot through into the next step. Take steps long enough that your "
            "front knee stays over your ankle."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.LUNGE, Pattern.DEEP_KNEE_FLEXION),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="lateral-lunge",
        name="Lateral lunge",
        instructions=(
            "Stand with your feet wide apart and toes pointing forward. Shift your hips back and "
            "to one side, bending that knee while the other leg stays straight, then push back to "
            "the middle. Keep the bent knee in line with your toes."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.KNEE),
        patterns=(Pattern.LUNGE,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="step-up",
        name="Step-up",
        instructions=(
            "Face a step or low box and place your whole foot on it. Push through that foot to "
            "stand up on the step, then step down slowly with the other foot. Choose a height "
            "where your knee does not cave inward."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.STEP_UP,),
        impact=Impact.LOW,
        equipment=("box",),
    ),
    LibraryExercise(
        slug="lateral-step-down",
        name="Lateral step-down",
        instructions=(
            "Stand sideways on the edge of a step on one leg, the other foot hanging off the "
            "side. Bend the standing knee to lower the free heel toward the floor, tap lightly, "
            "and straighten. Keep your hips level and your knee pointing over your second toe."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.STEP_UP, Pattern.BALANCE),
        impact=Impact.LOW,
        equipment=("step",),
    ),
    LibraryExercise(
        slug="stair-climbing",
        name="Stair climbing",
        instructions=(
            "Walk up a flight of stairs, placing your whole foot on each step and using the rail. "
            "Come down slowly, one step at a time. If one leg is sore, lead with the stronger leg "
            "going up and the sore leg going down."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP, BodyRegion.WHOLE_BODY),
        patterns=(Pattern.STEP_UP,),
        impact=Impact.LOW,
        equipment=("stairs",),
    ),
    # Lower body: hinge and hip
    LibraryExercise(
        slug="glute-bridge",
        name="Glute bridge",
        instructions=(
            "Lie on your back with your knees bent and feet flat, hip-width apart. Squeeze your "
            "buttocks and lift your hips until your body is in a straight line from shoulders to "
            "knees, then lower slowly. Lift with your hips, not by arching your lower back."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.HINGE,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="single-leg-bridge",
        name="Single-leg glute bridge",
        instructions=(
            "Lie on your back with your knees bent, then straighten one leg in line with the "
            "other thigh. Push through the heel of the bent leg to lift your hips, then lower "
            "slowly. Keep your pelvis level so it does not drop to one side."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.HINGE,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="hip-thrust",
        name="Barbell hip thrust",
        instructions=(
            "Sit on the floor with your upper back against a bench and a padded barbell across "
            "your hips. Drive through your heels to lift your hips until your thighs are in line "
            "with your body, then lower under control. Keep your chin tucked and your ribs down "
            "at the top."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.HINGE,),
        impact=Impact.NONE,
        equipment=("barbell", "bench"),
    ),
    LibraryExercise(
        slug="romanian-deadlift",
        name="Romanian deadlift",
        instructions=(
            "Stand holding a dumbbell in each hand in front of your thighs, knees slightly bent. "
            "Push your hips back and slide the weights down your legs until you feel a stretch "
            "behind your thighs, then stand up by squeezing your buttocks. Keep your back flat "
            "the whole time."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.HINGE,),
        impact=Impact.LOW,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="single-leg-romanian-deadlift",
        name="Single-leg Romanian deadlift",
        instructions=(
            "Stand on one leg holding a dumbbell in the opposite hand. Hinge forward at the hip "
            "as your free leg reaches back, lowering the weight toward the floor, then return to "
            "standing. Keep your hips square to the floor and touch a wall for balance if needed."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.ANKLE_FOOT),
        patterns=(Pattern.HINGE, Pattern.BALANCE),
        impact=Impact.LOW,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="kettlebell-deadlift",
        name="Kettlebell deadlift",
        instructions=(
            "Stand with a kettlebell on the floor between your feet. Push your hips back, bend "
            "your knees and grip the handle with a flat back, then stand tall by driving through "
            "your feet. Lower it the same way, keeping the weight close to your body."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.HINGE,),
        impact=Impact.LOW,
        equipment=("kettlebell",),
    ),
    LibraryExercise(
        slug="back-extension",
        name="Back extension",
        instructions=(
            "Set the back extension bench so the pad sits just below your hip bones and hook your "
            "heels under the rollers. Lower your upper body by bending at the hips, then lift "
            "back up until your body is in a straight line. Stop at straight; do not arch "
            "backward past it."
        ),
        body_regions=(BodyRegion.LUMBAR_SPINE, BodyRegion.HIP),
        patterns=(Pattern.HINGE,),
        impact=Impact.NONE,
        equipment=("back extension bench",),
    ),
    LibraryExercise(
        slug="hamstring-curl",
        name="Hamstring curl",
        instructions=(
            "Set up in the hamstring curl machine with the pad just above your heels and your "
            "knees lined up with the machine's pivot. Bend your knees to pull the pad toward you, "
            "then let it return slowly. Keep your hips down on the pad or seat."
        ),
        body_regions=(BodyRegion.KNEE,),
        patterns=(Pattern.HINGE,),
        impact=Impact.NONE,
        equipment=("hamstring curl machine",),
    ),
    LibraryExercise(
        slug="nordic-curl",
        name="Nordic hamstring curl",
        instructions=(
            "Kneel on a mat with your ankles held down by a partner or a fixed pad. Keeping a "
            "straight line from knees to head, lean forward as slowly as you can, catch yourself "
            "with your hands, and push back up. Only lower as far as you can control."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.HINGE,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="clamshell",
        name="Clamshell",
        instructions=(
            "Lie on your side with your hips and knees bent and your feet together. Keeping your "
            "feet touching, lift your top knee as far as you can without rolling your hips back, "
            "then lower slowly. Keep your top hip stacked over the bottom one."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.ROTATION,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="side-lying-hip-abduction",
        name="Side-lying hip abduction",
        instructions=(
            "Lie on your side with the bottom knee bent and the top leg straight, in line with "
            "your body. Lift the top leg toward the ceiling with your toes pointing forward, then "
            "lower slowly. Do not let the leg drift forward or your hips roll back."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.BALANCE,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="banded-lateral-walk",
        name="Banded lateral walk",
        instructions=(
            "Loop a resistance band around your legs just above your knees and stand in a slight "
            "squat. Take small steps sideways, keeping tension on the band, then walk back the "
            "other way. Keep your toes pointing forward and your knees from caving in."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.KNEE),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("resistance band",),
    ),
    # Lower body: knee
    LibraryExercise(
        slug="quad-set",
        name="Quad set",
        instructions=(
            "Sit or lie with your leg straight and a small rolled towel under your knee. Tighten "
            "the muscle on the front of your thigh to press the back of your knee into the towel, "
            "hold for five seconds, then relax. Breathe normally while you hold."
        ),
        body_regions=(BodyRegion.KNEE,),
        patterns=(Pattern.SQUAT,),
        impact=Impact.NONE,
        equipment=("towel",),
    ),
    LibraryExercise(
        slug="straight-leg-raise",
        name="Straight-leg raise",
        instructions=(
            "Lie on your back with one knee bent and the other leg straight. Tighten the thigh of "
            "the straight leg, then lift it to the height of the bent knee and lower it slowly. "
            "Keep the knee locked straight; if it starts to bend, stop the set."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.SQUAT,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="terminal-knee-extension",
        name="Terminal knee extension",
        instructions=(
            "Anchor a resistance band at knee height and loop it behind one knee while facing the "
            "anchor. Start with the knee slightly bent, then straighten it fully by tightening "
            "the front of your thigh, and let it bend again slowly. Keep your heel on the floor."
        ),
        body_regions=(BodyRegion.KNEE,),
        patterns=(Pattern.SQUAT,),
        impact=Impact.LOW,
        equipment=("resistance band",),
    ),
    LibraryExercise(
        slug="heel-slide",
        name="Heel slide",
        instructions=(
            "Lie on your back with both legs straight. Slide one heel toward your buttocks to "
            "bend the knee as far as is comfortable, hold briefly, then slide it back. Move "
            "slowly and stop at a firm stretch, not sharp pain."
        ),
        body_regions=(BodyRegion.KNEE,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    # Lower body: ankle, foot and balance
    LibraryExercise(
        slug="calf-raise",
        name="Calf raise",
        instructions=(
            "Stand on both feet, holding a wall or counter lightly for balance. Rise up onto your "
            "toes as high as you can, then lower slowly over about three seconds. Keep your "
            "weight over your big and second toes."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="single-leg-calf-raise",
        name="Single-leg calf raise",
        instructions=(
            "Stand on one foot, holding a wall or counter lightly for balance. Rise onto the ball "
            "of your foot as high as you can, then lower slowly. Keep your knee straight and do "
            "not roll out onto your little toe."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="eccentric-heel-drop",
        name="Eccentric heel drop",
        instructions=(
            "Stand with the balls of both feet on the edge of a step, holding a rail. Rise up on "
            "both feet, lift one foot off, and slowly lower the other heel below the step over "
            "about three seconds. Put both feet back on the step before rising for the next one."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("step",),
    ),
    LibraryExercise(
        slug="tibialis-raise",
        name="Tibialis raise",
        instructions=(
            "Lean your back against a wall with your heels about a foot away from it. Lift your "
            "toes and the front of your feet as high as you can, then lower them slowly. Keep "
            "your knees straight and your heels on the floor."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("wall",),
    ),
    LibraryExercise(
        slug="single-leg-balance",
        name="Single-leg balance",
        instructions=(
            "Stand on one foot near a counter you can grab if needed. Hold your balance with a "
            "soft knee and level hips for up to 30 seconds. Make it harder by closing your eyes "
            "or standing on a cushion only once it feels easy."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT, BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="tandem-stance",
        name="Tandem stance",
        instructions=(
            "Stand next to a counter and place one foot directly in front of the other, heel "
            "touching toes. Hold for up to 30 seconds, then switch which foot is in front. Keep a "
            "hand near the counter in case you lose your balance."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT, BodyRegion.HIP),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="ankle-alphabet",
        name="Ankle alphabet",
        instructions=(
            "Sit with your leg supported so that your foot hangs free. Trace the letters of the "
            "alphabet in the air with your big toe, moving only at the ankle. Keep the movements "
            "slow and within a comfortable range."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="knee-to-wall-ankle-mobilization",
        name="Knee-to-wall ankle mobilization",
        instructions=(
            "Stand facing a wall with one foot a few inches from it. Keeping your heel down, bend "
            "your knee forward to touch the wall, then straighten it. Move your foot back a "
            "little when this gets easy, but never let the heel lift."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("wall",),
    ),
    # Lower body: jumping and landing
    LibraryExercise(
        slug="squat-jump",
        name="Squat jump",
        instructions=(
            "Stand with your feet shoulder-width apart. Squat to about a quarter depth, then jump "
            "straight up and land softly back into the same shallow squat. Reset between jumps "
            "and keep your knees over your toes as you land."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP, BodyRegion.ANKLE_FOOT),
        patterns=(Pattern.PLYOMETRIC, Pattern.SQUAT),
        impact=Impact.HIGH,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="box-jump",
        name="Box jump",
        instructions=(
            "Stand facing a low box with your feet hip-width apart. Swing your arms and jump onto "
            "the box, landing softly on both feet with bent knees, then step down rather than "
            "jumping down. Land with your knees in line with your toes."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.ANKLE_FOOT, BodyRegion.HIP),
        patterns=(Pattern.PLYOMETRIC,),
        impact=Impact.HIGH,
        equipment=("box",),
    ),
    LibraryExercise(
        slug="pogo-hops",
        name="Pogo hops",
        instructions=(
            "Stand tall with your feet hip-width apart. Bounce on the balls of your feet with "
            "small, quick hops, keeping your knees almost straight. Stop the set as soon as the "
            "hops become slow or heavy."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT, BodyRegion.KNEE),
        patterns=(Pattern.PLYOMETRIC,),
        impact=Impact.HIGH,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="skater-hops",
        name="Skater hops",
        instructions=(
            "Stand on one leg with a slight bend at the knee and hip. Jump sideways onto the "
            "other leg, land softly and hold for a moment before jumping back. Keep your knee in "
            "line with your toes on every landing."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.KNEE, BodyRegion.ANKLE_FOOT),
        patterns=(Pattern.PLYOMETRIC, Pattern.BALANCE),
        impact=Impact.HIGH,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="jump-rope",
        name="Jump rope",
        instructions=(
            "Hold the rope handles at hip height with the rope behind your heels. Turn the rope "
            "with your wrists and jump just high enough to clear it, landing softly on the balls "
            "of your feet. Start with short bouts and rest between them."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT, BodyRegion.KNEE),
        patterns=(Pattern.PLYOMETRIC,),
        impact=Impact.HIGH,
        equipment=("jump rope",),
    ),
    # Shoulder and upper back
    LibraryExercise(
        slug="scapular-retraction",
        name="Scapular retraction",
        instructions=(
            "Sit or stand tall with your arms relaxed by your sides. Squeeze your shoulder blades "
            "back and slightly down, hold for five seconds, then relax. Keep your shoulders away "
            "from your ears and do not arch your back."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="band-pull-apart",
        name="Band pull-apart",
        instructions=(
            "Hold a resistance band in front of you at shoulder height with straight arms, hands "
            "shoulder-width apart. Pull the band apart by moving your hands out to the sides "
            "until it touches your chest, then return slowly. Keep your shoulders down and your "
            "ribs from flaring."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("resistance band",),
    ),
    LibraryExercise(
        slug="band-external-rotation",
        name="External rotation with band",
        instructions=(
            "Stand side-on to a band anchored at elbow height and hold it in the hand farther "
            "from the anchor, elbow bent to 90 degrees and tucked at your side. Rotate your "
            "forearm outward away from your body, then return slowly. A rolled towel between your "
            "elbow and side helps keep the elbow in place."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.ROTATION,),
        impact=Impact.NONE,
        equipment=("resistance band",),
    ),
    LibraryExercise(
        slug="band-internal-rotation",
        name="Internal rotation with band",
        instructions=(
            "Stand side-on to a band anchored at elbow height and hold it in the hand nearer the "
            "anchor, elbow bent to 90 degrees and at your side. Rotate your forearm in across "
            "your stomach, then let it return slowly. Keep your elbow against your side "
            "throughout."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.ROTATION,),
        impact=Impact.NONE,
        equipment=("resistance band",),
    ),
    LibraryExercise(
        slug="side-lying-external-rotation",
        name="Side-lying external rotation",
        instructions=(
            "Lie on your side with a light dumbbell in your top hand, elbow bent to 90 degrees "
            "and resting on a towel against your side. Rotate your forearm up toward the ceiling, "
            "then lower slowly. Keep the elbow against your side and go only as high as is "
            "comfortable."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.ROTATION,),
        impact=Impact.NONE,
        equipment=("dumbbell", "mat"),
    ),
    LibraryExercise(
        slug="wall-slide",
        name="Wall slide",
        instructions=(
            "Stand facing a wall with your forearms on it, elbows at shoulder height. Slide your "
            "forearms up the wall as high as you comfortably can, then slide them back down. Keep "
            "your shoulders away from your ears and stop before pain."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.MOBILITY, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("wall",),
    ),
    LibraryExercise(
        slug="prone-y-raise",
        name="Prone Y raise",
        instructions=(
            "Lie face down on a mat with your arms reaching overhead in a Y shape, thumbs up. "
            "Lift your arms a few inches by drawing your shoulder blades down and back, hold "
            "briefly, and lower. Keep your neck long and look at the floor."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.END_RANGE_SHOULDER,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="prone-t-raise",
        name="Prone T raise",
        instructions=(
            "Lie face down on a mat with your arms straight out to the sides, thumbs up. Squeeze "
            "your shoulder blades together to lift your arms a few inches, hold briefly, and "
            "lower. Keep your neck relaxed and your forehead resting down."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="shoulder-pendulum",
        name="Shoulder pendulum",
        instructions=(
            "Lean forward with your good hand on a table and let the sore arm hang straight down. "
            "Gently sway your body so the arm swings in small circles and back and forth on its "
            "own. Keep the arm relaxed; do not lift it with your shoulder muscles."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="assisted-shoulder-flexion",
        name="Cane-assisted shoulder flexion",
        instructions=(
            "Lie on your back holding a cane or stick with both hands, shoulder-width apart. Use "
            "your good arm to help lift the stick up and overhead as far as is comfortable, then "
            "lower it slowly. Move gently and stop at a stretch, not sharp pain."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.MOBILITY, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("dowel",),
    ),
    LibraryExercise(
        slug="face-pull",
        name="Face pull",
        instructions=(
            "Set a rope handle on a cable machine at face height and hold the ends with your "
            "palms facing in. Pull the rope toward your face, spreading your hands so they finish "
            "beside your ears, then return slowly. Keep your elbows high and your shoulders down."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("cable machine",),
    ),
    LibraryExercise(
        slug="farmer-carry",
        name="Farmer carry",
        instructions=(
            "Pick up a kettlebell in each hand with a flat back, bending at your hips and knees. "
            "Walk tall with your shoulders back and down for the set distance, then set the "
            "weights down the same way. Keep your steps short and steady."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.WRIST_HAND),
        patterns=(Pattern.CARRY,),
        impact=Impact.LOW,
        equipment=("kettlebell",),
    ),
    LibraryExercise(
        slug="suitcase-carry",
        name="Suitcase carry",
        instructions=(
            "Hold one kettlebell at your side, like a suitcase. Walk tall for the set distance "
            "without leaning toward or away from the weight, then switch hands. Brace your "
            "stomach as if someone were about to poke it."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.WRIST_HAND),
        patterns=(Pattern.CARRY, Pattern.ANTI_ROTATION),
        impact=Impact.LOW,
        equipment=("kettlebell",),
    ),
    # Upper body: pressing
    LibraryExercise(
        slug="wall-push-up",
        name="Wall push-up",
        instructions=(
            "Stand an arm's length from a wall and place your hands on it at shoulder height. "
            "Bend your elbows to bring your chest toward the wall, then push back. Keep your body "
            "straight from head to heels."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.ELBOW),
        patterns=(Pattern.HORIZONTAL_PRESS,),
        impact=Impact.NONE,
        equipment=("wall",),
    ),
    LibraryExercise(
        slug="incline-push-up",
        name="Incline push-up",
        instructions=(
            "Place your hands on a sturdy bench or counter a little wider than your shoulders and "
            "walk your feet back. Lower your chest toward the edge, then push back up. Keep your "
            "body in a straight line and your elbows angled back, not flared out."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.HORIZONTAL_PRESS,),
        impact=Impact.NONE,
        equipment=("bench",),
    ),
    LibraryExercise(
        slug="push-up",
        name="Push-up",
        instructions=(
            "Start in a plank on your hands and toes, hands a little wider than your shoulders. "
            "Lower your chest toward the floor, then push back up. Keep your hips in line with "
            "your shoulders, and drop to your knees if you cannot."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.HORIZONTAL_PRESS,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="push-up-plus",
        name="Push-up plus",
        instructions=(
            "Start in a push-up position on your hands and knees or toes. Keeping your arms "
            "straight, let your shoulder blades sink together, then push the floor away so your "
            "upper back rounds slightly. The movement comes only from the shoulder blades; your "
            "elbows stay straight."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.WRIST_HAND),
        patterns=(Pattern.HORIZONTAL_PRESS,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="dumbbell-bench-press",
        name="Dumbbell bench press",
        instructions=(
            "Lie on a flat bench with a dumbbell in each hand above your chest and your feet flat "
            "on the floor. Lower the weights to the sides of your chest with your elbows about 45 "
            "degrees from your body, then press up. If your shoulder is sensitive, stop lowering "
            "when your upper arms are level with the bench."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.ELBOW),
        patterns=(Pattern.HORIZONTAL_PRESS,),
        impact=Impact.NONE,
        equipment=("dumbbell", "bench"),
    ),
    LibraryExercise(
        slug="dumbbell-overhead-press",
        name="Dumbbell overhead press",
        instructions=(
            "Sit or stand tall with a dumbbell in each hand at shoulder height. Press the weights "
            "straight up until your arms are straight, then lower slowly. Tighten your stomach so "
            "your lower back does not arch."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.ELBOW),
        patterns=(Pattern.OVERHEAD_PRESS, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="half-kneeling-landmine-press",
        name="Half-kneeling landmine press",
        instructions=(
            "Kneel on one knee and hold the end of a landmine barbell at your shoulder, on the "
            "same side as the knee that is down. Press the bar up and forward until your arm is "
            "straight, then lower it under control. Squeeze your buttocks and keep your trunk "
            "still."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.CORE),
        patterns=(Pattern.OVERHEAD_PRESS,),
        impact=Impact.NONE,
        equipment=("landmine", "barbell"),
    ),
    # Upper body: pulling
    LibraryExercise(
        slug="lat-pulldown",
        name="Lat pulldown",
        instructions=(
            "Sit at the pulldown machine with your thighs under the pads and grip the bar a "
            "little wider than your shoulders. Pull the bar down to your upper chest by driving "
            "your elbows down, then let it rise slowly. Do not lean far back or pull the bar "
            "behind your neck."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.VERTICAL_PULL, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("cable machine",),
    ),
    LibraryExercise(
        slug="seated-cable-row",
        name="Seated cable row",
        instructions=(
            "Sit tall at the cable row with your feet braced and knees slightly bent, holding the "
            "handle with straight arms. Pull the handle to your stomach by squeezing your "
            "shoulder blades together, then return slowly. Keep your chest up and avoid rocking "
            "your body."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("cable machine",),
    ),
    LibraryExercise(
        slug="single-arm-dumbbell-row",
        name="Single-arm dumbbell row",
        instructions=(
            "Place one hand and the same-side knee on a bench, holding a dumbbell in the other "
            "hand with your arm straight. Pull the dumbbell toward your hip, then lower it "
            "slowly. Keep your back flat and avoid twisting."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("dumbbell", "bench"),
    ),
    LibraryExercise(
        slug="inverted-row",
        name="Inverted row",
        instructions=(
            "Lie under a suspension trainer or secured bar set at waist height and hold it with "
            "straight arms, heels on the floor. Pull your chest up to your hands while keeping "
            "your body straight, then lower slowly. Stand more upright to make it easier."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.HORIZONTAL_PULL,),
        impact=Impact.NONE,
        equipment=("suspension trainer",),
    ),
    LibraryExercise(
        slug="chin-up",
        name="Chin-up",
        instructions=(
            "Hang from a pull-up bar with your palms facing you, hands shoulder-width apart. Pull "
            "yourself up until your chin clears the bar, then lower all the way down with "
            "control. Use an assistance band or machine if you cannot do full repetitions."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.ELBOW),
        patterns=(Pattern.VERTICAL_PULL, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("pull-up bar",),
    ),
    # Core and spine
    LibraryExercise(
        slug="dead-bug",
        name="Dead bug",
        instructions=(
            "Lie on your back with your arms pointing at the ceiling and your hips and knees bent "
            "to 90 degrees. Slowly lower one arm overhead and the opposite leg toward the floor, "
            "then return and switch sides. Keep your lower back gently pressed to the floor "
            "throughout."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.ANTI_ROTATION,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="bird-dog",
        name="Bird dog",
        instructions=(
            "Start on your hands and knees with your hands under your shoulders and knees under "
            "your hips. Reach one arm forward and the opposite leg back until both are level with "
            "your body, hold for a moment, then return and switch. Keep your back flat and your "
            "hips level."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.ANTI_ROTATION, Pattern.BALANCE),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="front-plank",
        name="Front plank",
        instructions=(
            "Rest on your forearms and toes with your elbows under your shoulders. Hold your body "
            "in a straight line from head to heels, breathing normally. End the hold when your "
            "hips start to sag, and drop to your knees to make it easier."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.SHOULDER),
        patterns=(Pattern.ANTI_ROTATION,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="side-plank",
        name="Side plank",
        instructions=(
            "Lie on your side propped on one forearm with your elbow under your shoulder and your "
            "knees bent or legs straight. Lift your hips so your body forms a straight line and "
            "hold, breathing normally. Keep your hips stacked rather than rolling forward."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.SHOULDER),
        patterns=(Pattern.ANTI_ROTATION,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="pallof-press",
        name="Pallof press",
        instructions=(
            "Stand side-on to a resistance band anchored at chest height, holding it at your "
            "chest with both hands. Press your hands straight out in front of you, hold for two "
            "seconds without letting your body twist, then bring them back. Stand with soft knees "
            "and tight buttocks."
        ),
        body_regions=(BodyRegion.CORE,),
        patterns=(Pattern.ANTI_ROTATION,),
        impact=Impact.NONE,
        equipment=("resistance band",),
    ),
    LibraryExercise(
        slug="mcgill-curl-up",
        name="McGill curl-up",
        instructions=(
            "Lie on your back with one knee bent and the other leg straight, hands under the "
            "small of your back. Brace your stomach and lift your head and shoulders just off the "
            "floor as one unit, hold for a few seconds, then lower. Do not flatten your lower "
            "back or tuck your chin to your chest."
        ),
        body_regions=(BodyRegion.CORE,),
        patterns=(Pattern.ANTI_ROTATION,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="weighted-crunch",
        name="Weighted crunch",
        instructions=(
            "Lie on your back with your knees bent, holding a dumbbell or weight plate against "
            "your chest. Curl your head and shoulders up toward your knees, then lower slowly. "
            "Keep your chin slightly tucked and do not pull on your neck."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.SPINAL_FLEXION_LOADED,),
        impact=Impact.NONE,
        equipment=("dumbbell", "mat"),
    ),
    LibraryExercise(
        slug="cable-woodchop",
        name="Cable woodchop",
        instructions=(
            "Set a cable handle high on one side and stand side-on with your feet wide. Pull the "
            "handle diagonally down and across your body toward the opposite hip, turning through "
            "your trunk and hips, then return slowly. Pivot on your back foot so your lower back "
            "does not twist on its own."
        ),
        body_regions=(BodyRegion.CORE, BodyRegion.THORACIC_SPINE, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.ROTATION, Pattern.SPINAL_FLEXION_LOADED),
        impact=Impact.NONE,
        equipment=("cable machine",),
    ),
    LibraryExercise(
        slug="cat-camel",
        name="Cat-camel",
        instructions=(
            "Start on your hands and knees. Slowly round your back up toward the ceiling while "
            "tucking your chin, then let your back sag gently while lifting your head. Move "
            "through a comfortable range without forcing either end."
        ),
        body_regions=(BodyRegion.THORACIC_SPINE, BodyRegion.LUMBAR_SPINE),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="pelvic-tilt",
        name="Pelvic tilt",
        instructions=(
            "Lie on your back with your knees bent and feet flat. Gently flatten your lower back "
            "into the floor by tightening your stomach and tilting your pelvis, then relax back. "
            "Keep your buttocks on the floor and breathe normally."
        ),
        body_regions=(BodyRegion.LUMBAR_SPINE, BodyRegion.CORE),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="prone-press-up",
        name="Prone press-up",
        instructions=(
            "Lie face down with your hands under your shoulders. Push your upper body up with "
            "your arms while your hips and lower back stay relaxed on the floor, then lower. Go "
            "only as high as is comfortable, and stop if pain spreads down your leg."
        ),
        body_regions=(BodyRegion.LUMBAR_SPINE,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="knee-to-chest-stretch",
        name="Knee-to-chest stretch",
        instructions=(
            "Lie on your back with both knees bent. Pull one knee toward your chest with both "
            "hands until you feel a gentle stretch in your lower back and buttock, and hold for "
            "20 to 30 seconds. Keep the other foot on the floor and breathe normally."
        ),
        body_regions=(BodyRegion.LUMBAR_SPINE, BodyRegion.HIP),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="open-book-rotation",
        name="Open book thoracic rotation",
        instructions=(
            "Lie on your side with your knees bent and both arms straight out in front of you, "
            "palms together. Keeping your knees together, lift the top arm and open it across to "
            "the other side, following your hand with your eyes, then return. Let your upper back "
            "turn while your knees stay stacked."
        ),
        body_regions=(BodyRegion.THORACIC_SPINE,),
        patterns=(Pattern.MOBILITY, Pattern.ROTATION),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="thoracic-extension-foam-roller",
        name="Thoracic extension on foam roller",
        instructions=(
            "Lie on your back with a foam roller across your upper back, knees bent and hands "
            "supporting your head. Gently let your upper back extend over the roller, then come "
            "back up, and move the roller a few inches to a new spot. Keep the roller off your "
            "lower back and neck."
        ),
        body_regions=(BodyRegion.THORACIC_SPINE,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("foam roller",),
    ),
    # Neck
    LibraryExercise(
        slug="chin-tuck",
        name="Chin tuck",
        instructions=(
            "Sit or stand tall looking straight ahead. Gently draw your chin straight back, as if "
            "making a double chin, hold for five seconds and relax. Keep your eyes level rather "
            "than tipping your head down."
        ),
        body_regions=(BodyRegion.NECK,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="neck-isometrics",
        name="Neck isometrics",
        instructions=(
            "Sit tall and place your palm against your forehead. Gently press your head into your "
            "hand without letting it move, hold for five seconds and relax, then repeat with your "
            "hand at the back and at each side of your head. Use light effort only, well below "
            "your maximum."
        ),
        body_regions=(BodyRegion.NECK,),
        patterns=(Pattern.ANTI_ROTATION,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="upper-trapezius-stretch",
        name="Upper trapezius stretch",
        instructions=(
            "Sit tall and hold the edge of your chair with one hand. Tilt your head so your ear "
            "moves toward the opposite shoulder until you feel a stretch along the side of your "
            "neck, and hold for 30 seconds. Keep the stretch gentle and the held shoulder "
            "relaxed."
        ),
        body_regions=(BodyRegion.NECK,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    # Elbow, wrist and hand
    LibraryExercise(
        slug="eccentric-wrist-extension",
        name="Eccentric wrist extension",
        instructions=(
            "Sit with your forearm resting on a table, palm down, holding a light dumbbell with "
            "your wrist over the edge. Use your other hand to help lift the weight up, then let "
            "go and lower it slowly over about three seconds. Mild discomfort is expected, but "
            "keep pain within the level your therapist set."
        ),
        body_regions=(BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.CARRY,),
        impact=Impact.NONE,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="eccentric-wrist-flexion",
        name="Eccentric wrist flexion",
        instructions=(
            "Sit with your forearm resting on a table, palm up, holding a light dumbbell with "
            "your wrist over the edge. Use your other hand to help curl the weight up, then let "
            "go and lower it slowly over about three seconds. Keep pain within the level your "
            "therapist set."
        ),
        body_regions=(BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.CARRY,),
        impact=Impact.NONE,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="grip-squeeze",
        name="Grip squeeze",
        instructions=(
            "Hold a soft ball in your hand. Squeeze it firmly, hold for three to five seconds, "
            "then relax your hand fully. Move to a firmer ball only when this feels easy."
        ),
        body_regions=(BodyRegion.WRIST_HAND,),
        patterns=(Pattern.CARRY,),
        impact=Impact.NONE,
        equipment=("soft ball",),
    ),
    LibraryExercise(
        slug="forearm-pronation-supination",
        name="Forearm pronation and supination",
        instructions=(
            "Sit with your forearm resting on a table or your thigh, elbow bent, holding one end "
            "of a light dumbbell so it points up. Slowly turn your palm down, then turn it up, "
            "keeping your elbow still. Hold closer to the weighted end to make it easier."
        ),
        body_regions=(BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.ROTATION,),
        impact=Impact.NONE,
        equipment=("dumbbell",),
    ),
    LibraryExercise(
        slug="wrist-extensor-stretch",
        name="Wrist extensor stretch",
        instructions=(
            "Hold one arm straight out in front of you, palm down. Use your other hand to gently "
            "bend the wrist down until you feel a stretch on the top of your forearm, and hold "
            "for 30 seconds. Keep your elbow straight and the stretch gentle."
        ),
        body_regions=(BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="wrist-flexor-stretch",
        name="Wrist flexor stretch",
        instructions=(
            "Hold one arm straight out in front of you, palm up. Use your other hand to gently "
            "bend the wrist back until you feel a stretch on the underside of your forearm, and "
            "hold for 30 seconds. Keep your elbow straight and the stretch gentle."
        ),
        body_regions=(BodyRegion.ELBOW, BodyRegion.WRIST_HAND),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="tendon-glides",
        name="Tendon glides",
        instructions=(
            "Hold your hand up with your fingers straight. Slowly bend them into a hook fist, a "
            "full fist, a tabletop and a straight fist, returning to straight fingers between "
            "each. Move within a comfortable range without forcing."
        ),
        body_regions=(BodyRegion.WRIST_HAND,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    # Mobility and stretching
    LibraryExercise(
        slug="kneeling-hip-flexor-stretch",
        name="Kneeling hip flexor stretch",
        instructions=(
            "Kneel on one knee on a mat with the other foot flat in front of you. Tuck your "
            "pelvis under by squeezing the buttock of the kneeling leg, then shift forward "
            "slightly until you feel a stretch at the front of that hip, and hold for 30 seconds. "
            "Keep your lower back from arching."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="supine-hamstring-stretch",
        name="Supine hamstring stretch",
        instructions=(
            "Lie on your back and loop a strap or towel around one foot. Keeping the knee "
            "straight, raise the leg until you feel a stretch behind your thigh, and hold for 30 "
            "seconds. Keep the other leg flat, and ease off if you feel tingling."
        ),
        body_regions=(BodyRegion.HIP, BodyRegion.KNEE),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("strap",),
    ),
    LibraryExercise(
        slug="standing-quad-stretch",
        name="Standing quad stretch",
        instructions=(
            "Stand next to a wall for support and bend one knee to bring your heel toward your "
            "buttock, holding your ankle. Keep your knees together and gently tuck your pelvis "
            "until you feel a stretch at the front of the thigh, and hold for 30 seconds. Loop a "
            "strap around your ankle if you cannot reach it."
        ),
        body_regions=(BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("wall",),
    ),
    LibraryExercise(
        slug="standing-calf-stretch",
        name="Standing calf stretch",
        instructions=(
            "Stand facing a wall with your hands on it and one foot a stride behind the other. "
            "Keeping the back knee straight and the heel down, lean into the wall until you feel "
            "a stretch in the calf, and hold for 30 seconds. Bend the back knee slightly to "
            "stretch the lower calf as well."
        ),
        body_regions=(BodyRegion.ANKLE_FOOT,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("wall",),
    ),
    LibraryExercise(
        slug="figure-four-stretch",
        name="Figure-four glute stretch",
        instructions=(
            "Lie on your back with your knees bent and cross one ankle over the opposite knee. "
            "Pull the uncrossed thigh toward your chest until you feel a stretch in the buttock "
            "of the crossed leg, and hold for 30 seconds. Keep your head and shoulders relaxed on "
            "the floor."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="90-90-hip-switch",
        name="90/90 hip switch",
        instructions=(
            "Sit on the floor with both knees bent to 90 degrees and both legs turned to one "
            "side. Keeping your feet on the floor, rotate your knees over to the other side, then "
            "back. Use your hands behind you for support and move within a comfortable range."
        ),
        body_regions=(BodyRegion.HIP,),
        patterns=(Pattern.MOBILITY, Pattern.ROTATION),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="sleeper-stretch",
        name="Sleeper stretch",
        instructions=(
            "Lie on the affected side with that arm out in front of you at shoulder height and "
            "the elbow bent to 90 degrees. Use your other hand to gently press the forearm down "
            "toward the floor until you feel a stretch at the back of the shoulder, and hold for "
            "30 seconds. Stop if you feel pinching at the front of the shoulder."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.MOBILITY, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("mat",),
    ),
    LibraryExercise(
        slug="cross-body-shoulder-stretch",
        name="Cross-body shoulder stretch",
        instructions=(
            "Bring one arm across your chest at shoulder height. Use your other hand to gently "
            "pull it closer at the elbow until you feel a stretch at the back of the shoulder, "
            "and hold for 30 seconds. Keep the shoulder down rather than hunched."
        ),
        body_regions=(BodyRegion.SHOULDER,),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="doorway-pec-stretch",
        name="Doorway pec stretch",
        instructions=(
            "Stand in a doorway with your forearms on the frame, elbows at or just below shoulder "
            "height. Step one foot through and lean forward gently until you feel a stretch "
            "across your chest, and hold for 30 seconds. Do not let your shoulders shrug toward "
            "your ears."
        ),
        body_regions=(BodyRegion.SHOULDER, BodyRegion.THORACIC_SPINE),
        patterns=(Pattern.MOBILITY, Pattern.END_RANGE_SHOULDER),
        impact=Impact.NONE,
        equipment=("none",),
    ),
    # Conditioning
    LibraryExercise(
        slug="walking",
        name="Walking",
        instructions=(
            "Wear supportive shoes and walk on a flat, even surface. Start at a comfortable pace "
            "and build to a brisk walk with an upright posture and relaxed arms. Use a walking "
            "aid if your therapist has recommended one."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.KNEE, BodyRegion.ANKLE_FOOT),
        patterns=(Pattern.BALANCE,),
        impact=Impact.LOW,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="walk-jog-intervals",
        name="Walk-jog intervals",
        instructions=(
            "Warm up with five minutes of brisk walking. Alternate short bouts of easy jogging "
            "with walking, such as one minute of each, and lengthen the jogging only as your plan "
            "allows. Jog at a pace where you could still talk."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.KNEE, BodyRegion.ANKLE_FOOT),
        patterns=(Pattern.RUNNING,),
        impact=Impact.MODERATE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="jogging",
        name="Jogging",
        instructions=(
            "Warm up with five minutes of brisk walking. Jog at an easy pace on a flat, even "
            "surface with short, light steps. Keep the pace easy enough that you could hold a "
            "conversation."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.KNEE, BodyRegion.ANKLE_FOOT),
        patterns=(Pattern.RUNNING,),
        impact=Impact.MODERATE,
        equipment=("none",),
    ),
    LibraryExercise(
        slug="stationary-bike",
        name="Stationary bike",
        instructions=(
            "Set the seat so your knee is only slightly bent when the pedal is at the bottom. "
            "Pedal at an easy, steady pace with light resistance, adding time before adding "
            "resistance. Keep your knees pointing forward over the pedals."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.KNEE, BodyRegion.HIP),
        patterns=(Pattern.MOBILITY,),
        impact=Impact.NONE,
        equipment=("stationary bike",),
    ),
    LibraryExercise(
        slug="rowing-machine",
        name="Rowing machine",
        instructions=(
            "Strap your feet in and sit tall holding the handle with straight arms. Push with "
            "your legs first, then lean back slightly and pull the handle to your lower ribs, and "
            "reverse that order to return. Keep your back straight rather than rounding it to "
            "reach forward."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.LUMBAR_SPINE, BodyRegion.KNEE),
        patterns=(Pattern.HORIZONTAL_PULL, Pattern.HINGE, Pattern.DEEP_KNEE_FLEXION),
        impact=Impact.NONE,
        equipment=("rowing machine",),
    ),
    LibraryExercise(
        slug="swimming",
        name="Swimming",
        instructions=(
            "Swim easy lengths using a stroke you are comfortable with, resting at the wall as "
            "needed. Build the distance gradually over the weeks. If your shoulder is recovering, "
            "use only the strokes your therapist has cleared."
        ),
        body_regions=(BodyRegion.WHOLE_BODY, BodyRegion.SHOULDER),
        patterns=(Pattern.END_RANGE_SHOULDER, Pattern.ROTATION),
        impact=Impact.NONE,
        equipment=("pool",),
    ),
)
