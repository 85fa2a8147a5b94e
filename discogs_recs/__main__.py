from discogs_recs.cli import main

main()
