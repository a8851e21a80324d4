from rectify_cli.cli import main

main()
