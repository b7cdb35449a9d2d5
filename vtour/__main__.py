from vtour.cli import main

raise SystemExit(main())
