"""course_lib: the from-scratch numpy library of *How Deep Learning Models Are Trained*.

Every module is small and teaches one concept; each public function's
docstring names the chapter that builds it. Batch rows are examples: ``x`` has
shape (N, D), weights (D, M), and a dense layer computes ``x @ w + b``.

The folders show the layers. What a learner reads, the network and its
training, is at the top; :mod:`course_lib.datasets` makes the data it trains
on; :mod:`course_lib.viz` draws; :mod:`course_lib.tools` runs the course
(grading, progress, the learner notebooks); :mod:`course_lib.exercises` holds
the checks of each chapter's exercises. The core imports only
``datasets`` from these, ``viz`` never imports ``tools``, and no import goes
round in a cycle (``tests/test_layout.py``).

The files by chapter (the core in ``course_lib/``, the rest in its folder):

1. *Neural networks*: ``activations`` (sigmoid, ReLU, tanh), ``network``
   (the neuron, counting parameters), ``shallow`` (XOR and sums of steps by
   hand).
2. *Forward propagation*: ``layers`` (the dense layer), ``init``,
   ``network`` (the MLP), ``activations`` (softmax), ``losses``;
   ``datasets/synthetic.py`` (spirals, a noisy curve),
   ``datasets/prepare.py`` (one-hot, standardization).
3. *Backpropagation*: the backward halves in ``activations``, ``layers``,
   ``losses`` and ``network``; ``gradcheck``, ``autograd``;
   ``viz/gradflow.py`` (vanishing and exploding gradients).
4. *Gradient descent*: ``optim``, ``schedules``, ``modules`` (``Linear``,
   ``Sequential``...); ``datasets/prepare.py`` (mini-batches),
   ``datasets/digits.py``; ``viz/surfaces.py`` and
   ``viz/plotting/landscapes.py`` (optimizers on test surfaces).
5. *Regularization*: ``regularization`` (penalties, early stopping),
   ``layers`` and ``modules`` (dropout), ``optim`` (weight decay);
   ``datasets/synthetic.py`` (moons), ``datasets/digits.py`` (augmentation).
6. *Training a classifier*: ``train`` (``fit``, ``predict``), ``metrics``;
   ``datasets/prepare.py`` (splits), ``datasets/fashion_mnist.py`` and
   ``datasets/idx.py``; ``viz/plotting/classification.py`` and
   ``viz/plotting/curves.py``.
7. *Making training work*: ``normalization``, ``blocks``, ``clipping``,
   ``lr_finder``; ``viz/gradflow.py`` (the training monitor).

Shared by all: ``validation`` (the argument checks behind every error
message), ``viz/plotting/style.py`` (colours) and ``viz/widgets.py``
(explorations and animations). ``exercises/chNN`` checks chapter NN's
exercises. ``tools/`` is for the course, not the learner: ``authoring``
writes ``chapters/`` from ``solutions/``, ``grade``, ``progress`` and
``upgrade`` are the commands ``python -m course_lib.grade`` (and so on),
whose two-line modules here run them.
"""

__version__ = "0.1.0"
