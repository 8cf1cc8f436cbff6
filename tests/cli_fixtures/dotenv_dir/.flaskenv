# Public settings, meant to be committed: the lowest precedence.
FLASK_APP=dotenv_app
CLI_TEST_SHARED=from-flaskenv
CLI_TEST_FLASKENV_ONLY=from-flaskenv
CLI_TEST_QUOTED="two words"
