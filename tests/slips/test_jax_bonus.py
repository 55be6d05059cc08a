"""Slips of jax_bonus's exercises: the loss and gradient of the practical's model exp(w x + b)
with one call of jax.value_and_grad (`check_exp_model`), and a Huber loss that jax.jit can
trace (`check_huber`).

JAX is imported by the chapter (which sets its platform and float64 first); the learners'
functions below import it when they run, after the chapter has."""

from __future__ import annotations

import numpy as np
import pytest
from slip_helpers import chapter_until, said


@pytest.fixture(scope="module")
def page():
    """The chapter up to exercise 2: exercise 1's data are defined, and both checks."""
    return chapter_until("jax_bonus", "Your turn: replace ... with your function itself")


# Exercise 1: (loss, grads) of the mean squared error of exp(w x + b) at w = b = 1.


def exp_answer(page, model=None, reduce="mean", at=None, argnums=0, call=True, pair=True):
    """What a learner passes to check_exp_model, with the knobs where the slips are."""
    import jax
    import jax.numpy as jnp

    def exp_loss(params, x, y):
        if model is None:
            prediction = jnp.exp(params["w"] * x + params["b"])
        else:
            prediction = model(params, x)
        squares = (prediction - y) ** 2
        if reduce == "sum":
            return jnp.sum(squares)
        if reduce == "root":
            return jnp.sqrt(jnp.mean(squares))
        return jnp.mean(squares)

    params = page["params_exp"] if at is None else at
    transform = jax.value_and_grad if pair else jax.grad
    function = transform(exp_loss, argnums=argnums)
    if not call:
        return function
    return function(params, page["x_exp"], page["y_exp"])


def test_exp_model_reference_passes(page):
    assert said(page["check_exp_model"], exp_answer(page)).startswith("Correct")


def shifted_model(params, x):
    import jax.numpy as jnp

    return jnp.exp(params["w"] * x) + params["b"]


def at_the_data_parameters(page):
    import jax.numpy as jnp

    return exp_answer(page, at={"w": jnp.array(0.5), "b": jnp.array(2.0)})


EXP_SLIPS = {
    "placeholder": (lambda page: ..., "Not answered yet"),
    "a summed loss": (lambda page: exp_answer(page, reduce="sum"), "the sum over the 100"),
    "a root mean square": (lambda page: exp_answer(page, reduce="root"), "drop the sqrt"),
    "the data's parameters": (at_the_data_parameters, "the parameters that made"),
    "jax.grad alone": (lambda page: exp_answer(page, pair=False), "the gradient alone"),
    "not called": (lambda page: exp_answer(page, call=False), "call it"),
    "with respect to x": (lambda page: exp_answer(page, argnums=1), "with respect to params"),
    "exp(w x) + b": (lambda page: exp_answer(page, model=shifted_model), "Check the model"),
    "the loss alone": (lambda page: exp_answer(page)[0], "the loss alone"),
    "a list of three": (lambda page: [1.0, 2.0, 3.0], "Please pass the pair"),
}


@pytest.mark.parametrize("slip", EXP_SLIPS)
def test_exp_model_slips_are_named(page, slip):
    answer, words = EXP_SLIPS[slip]
    verdict = said(page["check_exp_model"], answer(page))
    assert words in verdict
    assert "Correct" not in verdict


# Exercise 2: the Huber loss, r^2 / 2 for |r| <= 1 and |r| - 1/2 beyond, without a Python if.


def huber_where(r):
    import jax.numpy as jnp

    return jnp.where(jnp.abs(r) <= 1.0, 0.5 * r**2, jnp.abs(r) - 0.5)


def huber_cond(r):
    import jax
    import jax.numpy as jnp

    def inside(u):
        return 0.5 * u**2

    def outside(u):
        return jnp.abs(u) - 0.5

    return jax.lax.cond(jnp.abs(r) <= 1.0, inside, outside, r)


@pytest.mark.parametrize("huber", [huber_where, huber_cond])
def test_huber_reference_passes(page, huber):
    assert said(page["check_huber"], huber).startswith("Correct")


def with_if(r):  # the page's huber_if
    import jax.numpy as jnp

    if jnp.abs(r) <= 1.0:
        return 0.5 * r**2
    return jnp.abs(r) - 0.5


def with_python_max(r):
    import jax.numpy as jnp

    return max(0.5 * jnp.minimum(r**2, 1.0), jnp.abs(r) - 0.5)


def with_numpy(r):
    return np.where(np.abs(r) <= 1.0, 0.5 * r**2, np.abs(r) - 0.5)


def with_float(r):
    r = float(r)
    return 0.5 * r**2 if abs(r) <= 1.0 else abs(r) - 0.5


def no_half(r):
    import jax.numpy as jnp

    return jnp.where(jnp.abs(r) <= 1.0, r**2, jnp.abs(r) - 0.5)


def swapped_branches(r):
    import jax.numpy as jnp

    return jnp.where(jnp.abs(r) <= 1.0, jnp.abs(r) - 0.5, 0.5 * r**2)


def linear_minus_one(r):
    import jax.numpy as jnp

    return jnp.where(jnp.abs(r) <= 1.0, 0.5 * r**2, jnp.abs(r) - 1.0)


def no_abs(r):
    import jax.numpy as jnp

    return jnp.where(r <= 1.0, 0.5 * r**2, jnp.abs(r) - 0.5)


def two_arguments(r, delta):
    import jax.numpy as jnp

    return jnp.where(jnp.abs(r) <= delta, 0.5 * r**2, delta * (jnp.abs(r) - 0.5 * delta))


HUBER_SLIPS = {
    "placeholder": (..., "Not answered yet"),
    "a value, not the function": (0.5, "the function itself"),
    "a Python if": (with_if, "a Python if"),
    "Python max": (with_python_max, "a Python if"),
    "np.where": (with_numpy, "jnp.where, jnp.abs"),
    "float(r)": (with_float, "float()"),
    "no half": (no_half, "r^2 / 2 there"),
    "branches swapped": (swapped_branches, "branches are swapped"),
    "|r| - 1": (linear_minus_one, "it is |r| - 1/2"),
    "r for |r|": (no_abs, "compare |r| with 1, not r"),
    "two arguments": (two_arguments, "take one number r"),
}


@pytest.mark.parametrize("slip", HUBER_SLIPS)
def test_huber_slips_are_named(page, slip):
    huber, words = HUBER_SLIPS[slip]
    verdict = said(page["check_huber"], huber)
    assert words in verdict
    assert "Correct" not in verdict
