# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Everything on one host: sample image stream, robot (edge + monitor), cloud, optional rviz.

ros2 launch janus_ros demo.launch.py rviz:=true
"""
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription
from launch.conditions import IfCondition
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    """Image source + robot.launch.py + cloud.launch.py (+ rviz2 with config/janus.rviz)."""
    share = FindPackageShare('janus_ros')
    ns = LaunchConfiguration('namespace')
    args = [
        DeclareLaunchArgument('namespace', default_value='robot1'),
        DeclareLaunchArgument('rviz', default_value='false'),
        DeclareLaunchArgument('image_source_params', default_value=PathJoinSubstitution(
            [share, 'config', 'image_source.yaml'])),
        DeclareLaunchArgument('samples', default_value=PathJoinSubstitution(
            [share, 'models', 'fashion_vit', 'samples.npz'])),
    ]
    launch_dir = PathJoinSubstitution([share, 'launch'])
    return LaunchDescription(args + [
        Node(package='janus_ros', executable='image_source_node', namespace=ns,
             parameters=[LaunchConfiguration('image_source_params'),
                         {'samples': LaunchConfiguration('samples')}]),
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(PathJoinSubstitution([launch_dir, 'robot.launch.py'])),
            launch_arguments={'namespace': ns}.items()),
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(PathJoinSubstitution([launch_dir, 'cloud.launch.py']))),
        Node(package='rviz2', executable='rviz2',
             condition=IfCondition(LaunchConfiguration('rviz')),
             arguments=['-d', PathJoinSubstitution([share, 'config', 'janus.rviz'])]),
    ])
