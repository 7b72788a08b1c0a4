from stance_cli.main import main

raise SystemExit(main())
