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
    if callable(answer):
        print("That is a function, what jax.value_and_grad(exp_loss) returns: call it,")
        print("jax.value_and_grad(exp_loss)(params_exp, x_exp, y_exp), and pass the result.")
        return
    if isinstance(answer, dict):
        print("That is the gradient alone, what jax.grad returns. jax.value_and_grad returns")
        print("the pair (loss, grads): pass that pair.")
        return
    if isinstance(answer, (float, np.number, jax.Array)) and np.ndim(answer) == 0:
        print("That is one number, the loss alone: pass the pair (loss, grads) that")
        print("jax.value_and_grad returns.")
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
    if np.isclose(loss, np.sqrt(right["loss"]), rtol=1e-9):
        print(f"Your loss, {loss:.4f}, is the root of the mean squared error: drop the sqrt.")
        return
    if abs(loss) < 1e-9:
        print("Your loss is 0: that is the loss at w = 0.5, b = 2, the parameters that made")
        print("the data. Evaluate it at params_exp, w = 1 and b = 1.")
        return
    if not np.isclose(loss, right["loss"], rtol=1e-9):
        print(f"The loss is {loss:.4f}, not the mean squared error of exp(w x + b) - y at")
        print("w = 1, b = 1. Check the model, the square and the mean.")
        return
    for name in ("w", "b"):
        try:
            got = np.asarray(grads[name], dtype=np.float64)
        except (TypeError, ValueError):
            print(f"grads['{name}'] is not a number: {grads[name]!r}.")
            return
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


def _huber(r):
    return 0.5 * r**2 if abs(r) <= 1.0 else abs(r) - 0.5


def check_huber(huber):
    """Print whether huber(r) is the Huber loss and jax.jit(jax.grad(huber)) works."""
    if huber is None or huber is ...:
        print("Not answered yet. Hint: jnp.where(condition, value_if_true, value_if_false)")
        print("chooses between two arrays without a Python if.")
        return
    if not callable(huber):
        print("Please pass the function itself (huber), not a value such as huber(2.0).")
        return
    try:
        slope, value = jax.jit(jax.grad(huber)), jax.jit(huber)
        points = (2.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0)  # 2.0 first: the error of an if
        slopes = {r: float(slope(r)) for r in points}
        values = {r: float(value(r)) for r in points}
    except jax.errors.TracerArrayConversionError:
        print("Your function turns r into a NumPy array (np.where, np.abs, np.array), which")
        print("a jit tracer cannot become. Use jax.numpy: jnp.where, jnp.abs.")
        return
    except jax.errors.ConcretizationTypeError:
        print("jax.jit still cannot trace your function: a Python if, max or min (or float(),")
        print("int()) looks at the value of r, which a jit tracer does not have. Use jnp.where.")
        return
    except Exception as error:  # a check reports what is wrong, it never crashes
        print(f"jax.jit(jax.grad(huber)) raised {type(error).__name__}: {error}")
        print("huber should take one number r and return one number.")
        return
    inner, outer = (-1.0, -0.5, 0.0, 0.5, 1.0), (-3.0, 2.0)
    wrong = [r for r in values if not np.isclose(values[r], _huber(r))]
    if not wrong:
        for r in points:
            right_slope = r if abs(r) <= 1.0 else np.sign(r)
            if not np.isclose(slopes[r], right_slope):
                print(f"The gradient at r = {r} is {slopes[r]:g}; it should be {right_slope:g}.")
                return
        print("Correct! jax.jit(jax.grad(huber)) runs, and the values and slopes match.")
        return
    if all(np.isclose(values[r], r**2) for r in inner if r):
        print("Near 0 your loss is r^2: the Huber loss is r^2 / 2 there, with slope r.")
    elif all(np.isclose(values[r], 0.5 * r**2) for r in outer) and all(
        np.isclose(values[r], abs(r) - 0.5) for r in (-0.5, 0.5)
    ):
        print("The two branches are swapped: r^2 / 2 is for |r| <= 1, |r| - 1/2 beyond.")
    elif np.isclose(values[2.0], 1.0) and np.isclose(values[-3.0], 2.0):
        print("Beyond |r| = 1 your loss is |r| - 1; it is |r| - 1/2, so that both pieces")
        print("give 1/2 at |r| = 1 and the loss has no jump.")
    elif np.isclose(values[2.0], 1.5) and np.isclose(values[-3.0], 4.5):
        print("At r = -3 your loss takes the quadratic branch: compare |r| with 1, not r,")
        print("so that large negative residuals count linearly too.")
    else:
        r = wrong[0]
        print(f"huber({r}) = {values[r]:g}, but the Huber loss there is {_huber(r):g}.")
