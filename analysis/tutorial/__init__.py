"""The tutorial's support: exercises (solutions as tested functions), parameter checks, the output folder, interactive explorers, the environment report, the notebook runner and the HTML book."""
