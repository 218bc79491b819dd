"""`python -m benchmarks`: run the suite, print the table, write the JSON."""

import sys

from benchmarks.runner import main

sys.exit(main())
