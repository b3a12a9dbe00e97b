import sys

from benchmarks.compliance_join.harness import main

sys.exit(main())
