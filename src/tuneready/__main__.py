from tuneready.cli import main

main()
