"""Slips for the check of debugging_gradients: `check_train_epoch`, the exercise that repairs
a training loop holding three of the lab's bugs (no zero_grad, `total_loss += loss`, a
detach in the wrong place). Each slip is a `train_epoch` a learner could write on the way;
the check must name each bug left in it, in words, and never raise."""

from __future__ import annotations

import pytest
from slip_helpers import chapter_until, said

MARKER = "def train_epoch(model, optimizer, batches, features):"


@pytest.fixture(scope="module")
def check():
    return chapter_until("debugging_gradients", MARKER)["check_train_epoch"]


def mse(prediction, target):  # the page's loss, as the learner's cell reads it
    return ((prediction - target) ** 2).mean()


def reference(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def zero_grad_at_the_end(model, optimizer, batches, features):  # also right
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total_loss += loss.item()
    return total_loss / len(batches)


def sum_of_detached_losses(model, optimizer, batches, features):  # right too: no graph
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.detach()
    return total_loss / len(batches)


def as_given(model, optimizer, batches, features):  # the three bugs, untouched
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb).detach()
        features.append(h)
        loss = mse(model[2:](h), yb)
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss / len(batches)


def no_zero_grad(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def total_loss_tensor(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss / len(batches)


def detach_left(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb).detach()
        features.append(h)
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def only_detach_fixed(model, optimizer, batches, features):  # two bugs left
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss / len(batches)


def only_zero_grad_fixed(model, optimizer, batches, features):  # two bugs left
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb).detach()
        features.append(h)
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss / len(batches)


def loss_detached(model, optimizer, batches, features):  # a new bug: the loss itself
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb).detach()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def zero_grad_before_step(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def features_as_numpy(model, optimizer, batches, features):  # raises in the loop
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.numpy())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def item_at_the_end(model, optimizer, batches, features):  # graphs kept all the same
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss.item() / len(batches)


def detach_removed(model, optimizer, batches, features):  # the stored h keeps its graph
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h)
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def returns_the_sum(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss


def no_return(model, optimizer, batches, features):
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def no_step(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        total_loss += loss.item()
    return total_loss / len(batches)


def returns_last_loss(model, optimizer, batches, features):
    for xb, yb in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def loss_without_target(model, optimizer, batches, features):  # raises in the loop
    total_loss = 0.0
    for xb, _ in batches:
        h = model[:2](xb)
        features.append(h.detach())
        loss = mse(model[2:](h))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


def three_arguments(model, optimizer, batches):  # features forgotten
    return 0.0


def no_features(model, optimizer, batches, features):
    total_loss = 0.0
    for xb, yb in batches:
        loss = mse(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss / len(batches)


@pytest.mark.parametrize("solution", [reference, zero_grad_at_the_end, sum_of_detached_losses])
def test_the_reference_solution_passes(check, solution):
    assert said(check, solution).startswith("Correct")


ZERO_GRAD = "no zero_grad"
TOTAL_LOSS = "total_loss += loss keeps every batch's graph"
DETACH = "a detach in the wrong place"

SLIPS = [
    (as_given, [ZERO_GRAD, TOTAL_LOSS, DETACH, "3 bugs remain"]),
    (no_zero_grad, [ZERO_GRAD, "1 bug remains"]),
    (total_loss_tensor, [TOTAL_LOSS, "graphs of 3 earlier batches", "1 bug remains"]),
    (detach_left, [DETACH, "0.weight, 0.bias", "1 bug remains"]),
    (only_detach_fixed, [ZERO_GRAD, TOTAL_LOSS, "2 bugs remain"]),
    (only_zero_grad_fixed, [TOTAL_LOSS, DETACH, "2 bugs remain"]),
    (loss_detached, ["does not require grad", "was the loss detached"]),
    (zero_grad_before_step, ["zero_grad in the wrong place", "1 bug remains"]),
    (features_as_numpy, ["train_epoch raised RuntimeError", "numpy()"]),
    (item_at_the_end, [TOTAL_LOSS, "still alive", "1 bug remains"]),
    (detach_removed, ["stored features carry a graph", "h.detach()"]),
    (returns_the_sum, ["sum of the batch losses", "not their mean"]),
    (no_return, ["returned None, not the mean loss"]),
    (returns_last_loss, ["returned the last batch's loss, not the mean"]),
    (loss_without_target, ["train_epoch raised TypeError: mse()", "The error is in your loop"]),
    (no_step, ["optimizer.step() never ran"]),
    (three_arguments, ["train_epoch raised TypeError", "train_epoch(model, optimizer,"]),
    (no_features, ["features holds 0 entries for 4 batches"]),
]


@pytest.mark.parametrize(("slip", "words"), SLIPS, ids=[slip.__name__ for slip, _ in SLIPS])
def test_each_slip_is_named(check, slip, words):
    verdict = said(check, slip)
    assert not verdict.startswith("Correct"), verdict
    for word in words:
        assert word in verdict, verdict


def test_a_single_bug_names_no_other(check):
    for slip, named in [(no_zero_grad, ZERO_GRAD), (detach_left, DETACH)]:
        verdict = said(check, slip)
        others = {ZERO_GRAD, TOTAL_LOSS, DETACH} - {named}
        assert not any(other in verdict for other in others), verdict


@pytest.mark.parametrize("answer", [None, ..., "train_epoch"])
def test_no_answer_yet(check, answer):
    assert said(check, answer).startswith("No answer yet")
