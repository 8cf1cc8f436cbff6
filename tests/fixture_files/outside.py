SECRET = "not served"
