# Checks for the exercises of jax_bonus.md. Each one computes the right answer itself (with
# PyTorch for exercise 1, with NumPy for exercise 2) and says in words what is wrong.
import jax
import numpy as np
import torch


def check_exp_model(answer):
    """Print whether (loss, grads) of the MSE of exp(w x + b) at w = b = 1 is right."""
    if answer is None or answer is ...:
        print("Not answered yet. Hint: write exp_loss(params, x, y) with jnp.exp and jnp.mean,")
        print("then call jax.value_and_grad(exp_loss)(params_exp, x_exp, y_exp).")
        return
    try:
        loss, grads = answer
        loss = float(loss)
    except (TypeError, ValueError):
        print("Please pass the pair that jax.value_and_grad returns: (loss, grads).")
        return
    if not isinstance(grads, dict) or set(grads) != {"w", "b"}:
        print("grads should be a dict with the keys of params, 'w' and 'b': differentiate")
        print("with respect to params, the first argument of exp_loss.")
        return
    # The same loss with PyTorch autograd, as the reference.
    x = torch.arange(100, dtype=torch.float64) / 100
    y = torch.exp(0.5 * x + 2.0)
    w = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    errors = torch.exp(w * x + b) - y
    right_loss = (errors**2).mean()
    right_loss.backward()
    right = {"loss": right_loss.item(), "w": w.grad.item(), "b": b.grad.item()}
    sum_loss = (errors**2).sum().item()
    if np.isclose(loss, sum_loss, rtol=1e-9):
        print(f"Your loss, {loss:.4f}, is the sum over the 100 points: take the mean instead.")
        return
    if not np.isclose(loss, right["loss"], rtol=1e-9):
        print(f"The loss is {loss:.4f}, not the mean squared error of exp(w x + b) - y at")
        print("w = 1, b = 1. Check the model, the square and the mean.")
        return
    for name in ("w", "b"):
        got = np.asarray(grads[name])
        if got.shape != ():
            print(f"grads['{name}'] has shape {got.shape}; it should be a scalar like params.")
            return
        if not np.isclose(float(got), right[name], rtol=1e-9):
            print(f"The loss is right but dL/d{name} = {float(got):.4f} is not: did the gradient")
            print("come from jax.value_and_grad of the same function, at params_exp?")
            return
    print(
        f"Correct! loss = {loss:.4f}, dL/dw = {right['w']:.4f}, dL/db = {right['b']:.4f}: "
        "the same as PyTorch."
    )


def check_huber(huber):
    """Print whether huber(r) is the Huber loss and jax.jit(jax.grad(huber)) works."""
    if huber is None or huber is ...:
        print("Not answered yet. Hint: jnp.where(condition, value_if_true, value_if_false)")
        print("chooses between two arrays without a Python if.")
        return
    if not callable(huber):
        print("Please pass the function itself (huber), not a value such as huber(2.0).")
        return
    value = jax.jit(huber)
    slope = jax.jit(jax.grad(huber))
    try:
        slope(2.0)
    except jax.errors.ConcretizationTypeError:
        print("jax.jit still cannot trace your function: a Python if (or float(), or int())")
        print("looks at the value of r, which a jit tracer does not have. Use jnp.where.")
        return
    for r in (-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0):
        right_value = 0.5 * r**2 if abs(r) <= 1.0 else abs(r) - 0.5
        right_slope = r if abs(r) <= 1.0 else np.sign(r)
        got_value, got_slope = float(value(r)), float(slope(r))
        if not np.isclose(got_value, right_value):
            print(f"huber({r}) = {got_value:g}, but the Huber loss there is {right_value:g}.")
            return
        if not np.isclose(got_slope, right_slope):
            print(f"The gradient at r = {r} is {got_slope:g}; it should be {right_slope:g}.")
            return
    print("Correct! jax.jit(jax.grad(huber)) runs, and the values and slopes match.")
