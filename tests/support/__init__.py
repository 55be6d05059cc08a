"""What the test modules share, by concern: the course (`course`), copies and builds
(`build`), the built site (`site`), the browser (`browser`), and the lessons' expected
outputs (`expected_outputs`).

Test modules import plain helpers from here (`from support.site import built_page`); the
fixtures reach them as pytest plugins, listed in tests/conftest.py.
"""
