"""The `backprop-stepper` directive: step through the graph PyTorch records, forward and back.

    ```{backprop-stepper}
    x = 2.0, y = 3.0, w = 4.0
    a = x + y
    z = a * w
    ```

The inputs, then one line per named result, the last the output. At build time the lines
are evaluated with PyTorch (float64) in the Sphinx process,
from its parsed syntax tree (only arithmetic, names and a few functions: no `eval`). The
graph walked is the one PyTorch recorded: `grad_fn` nodes through `next_functions`, down to
the `AccumulateGrad` node of each input. Every number shown comes from PyTorch itself:
each node's forward value is the tensor its operation returned, and a hook on each node
(`Node.register_hook`) records, in the order the engine runs them, the gradient it
receives and the gradients it passes on; none is recomputed by formulas of ours. Each
local derivative is also shown as a rule with its values (`rules.py`), checked
against the ratio of what PyTorch passed on to what it received. Graphviz lays the graph
out (`dot -Tplain`); the SVG is drawn here, so its parts carry the classes the script and
the two themes need.

The package owns the stepper's forms: `model.py` records the graph and the steps (`record`),
`rules.py` writes each rule, `words.py` says the steps (WORDS), `draw.py` lays the graph out
and draws it, `directive.py` makes the HTML (an inline SVG with every value and gradient,
the steps as data, the controls, and the steps in words for readers without JavaScript) and
the form for other builders (the steps as a list), `notebook.py` the Colab notebook's form
(the same picture, and a link to the page). The record at the end declares it to the build.
`static/agb-stepper.js` steps through it. Why our own: no maintained tool draws the graph
PyTorch recorded and steps through its backward pass (torchviz draws a still picture).
"""

from __future__ import annotations

from ..base import Component, NodeForm
from .directive import (
    StepperDirective,
    as_plain_nodes,
    connect_stepper_hooks,
    depart_stepper,
    stepper,
    visit_stepper,
)
from .notebook import notebook_form

STEPPER = Component(
    name="backprop-stepper",
    directives={"backprop-stepper": StepperDirective},
    nodes=(NodeForm(stepper, (visit_stepper, depart_stepper), plain=as_plain_nodes),),
    assets=("agb-stepper.css", "agb-stepper.js"),
    used_by=(stepper,),
    notebook_forms={"backprop-stepper": notebook_form},
    setup=connect_stepper_hooks,
)
RECORDS = (STEPPER,)
