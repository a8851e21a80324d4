from rectify_cli.cli import main

# Guarded: a worker process started by spawning (cold_read.py, on Windows and macOS)
# imports this module again, and must not run the command a second time.
if __name__ == "__main__":
    main()
