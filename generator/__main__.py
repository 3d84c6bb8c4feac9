import sys

from .cli import main

if __name__ == "__main__":  # not when a worker process of the checks imports it (scan.py)
    sys.exit(main())
