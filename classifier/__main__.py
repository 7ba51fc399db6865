"""``python -m classifier`` runs the command line."""

from classifier.cli import main

main()
