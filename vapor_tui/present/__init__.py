"""How values read to a person, the same on the command line and on the screens: losses, times,
ages, counts, sentences, and the JSON shapes `jobs --json` and `show --json` print."""
