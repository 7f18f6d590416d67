"""What draws: the book's figures, its explorations, and the numbers they show.

- :mod:`~course_lib.viz.plotting`: the common figures (a package, one module
  per topic);
- :mod:`~course_lib.viz.widgets`: sliders in the notebook, animations and
  small multiples on the website;
- :mod:`~course_lib.viz.surfaces`: two-parameter test losses and the optimizer
  paths across them (chapter 4);
- :mod:`~course_lib.viz.gradflow`: gradient and activation statistics layer by
  layer (chapters 3 and 7).

Nothing here is needed to train a network: the core modules of
:mod:`course_lib` never import this package. Importing the package itself
imports none of its modules, so ``course_lib.viz.surfaces`` loads without
matplotlib.
"""
