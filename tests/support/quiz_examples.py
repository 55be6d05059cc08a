"""Two valid quizzes, one of each kind of question (`GOOD`) and an order question
(`ORDER`): the quiz's own tests vary them, and the snapshot page of the quiz is built from
them (test_snapshots.py)."""

from __future__ import annotations

GOOD = """\
- type: single
  prompt: What does `x.grad` hold before any backward call?
  options:
    - text: "`None`"
      explanation: Nothing was computed yet.
    - text: A tensor of zeros
      explanation: Not allocated until a backward pass.
  correct: 1
- type: multiple
  prompt: Which are floating point?
  options:
    - text: float32
      explanation: Yes.
    - text: int64
      explanation: No.
    - text: float64
      explanation: Yes.
  correct: [1, 3]
- type: numeric
  prompt: "$d(x^2)/dx$ at $x = 3$?"
  answer: 6
  tolerance: 0.01
  explanation: "$2x = 6$."
"""

ORDER = """\
- type: order
  prompt: Put the steps of a training step in order.
  items: [forward pass, loss, backward pass, update]
  explanation: Each step needs what the one before it made.
"""
