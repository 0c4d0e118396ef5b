"""`python -m ratings_cli ...`: the same as the `ratings` command."""

from ratings_cli import main

main(prog_name="ratings")
