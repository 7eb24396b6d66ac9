"""What the quizzes app announces to the apps above it (courses completes modules on a pass).

Sent inside the transaction that scored the attempt, so a receiver's writes commit or roll
back with the score. Receivers take `attempt` (an Attempt) and **kwargs."""

from django.dispatch import Signal

attempt_passed = Signal()  # the attempt's score reached the pass mark (on submit, or when marked)
attempt_pass_withdrawn = Signal()  # a passed attempt was marked again as a fail

# Asked, not announced: where a trainee lands after submitting `attempt`. A receiver returns a
# URL, or "" when it has nothing to say; the first URL wins, else the quiz's result page (an
# attempt that completes a course lands on its "course complete" page, which certificates owns).
attempt_landing = Signal()
