"""snowdeck's demo package -- TEST AND DEMO INFRASTRUCTURE, NOT THE SEED'S PROVIDER.

A Snowflake XCom backend that reproduces, where it is observable, what the seed's
`astronomer.providers.snowflake.xcom_backends.snowflake.SnowflakeXComBackend` (demo era)
writes: the XCom table rows, the stage files and layout, and the reference strings
left in Airflow. It talks to snowdeck's local Snowflake sandbox (tests/sandbox/)
through the Snowflake Python connector. See tests/sandbox/demo/README.md.
"""
