"""The tutorial's support: exercises with checks and solutions, the environment report, and the headless notebook runner."""
