# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Cloud side: one cloud node serving every robot namespace it is given or discovers.

ros2 launch janus_ros cloud.launch.py model_card:='' model:=vit_small_patch16_224 weights:=hub
"""
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, SetEnvironmentVariable
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    """The cloud node with config/cloud.yaml and the Fast DDS profile."""
    share = FindPackageShare('janus_ros')
    args = [
        DeclareLaunchArgument('namespace', default_value=''),
        DeclareLaunchArgument('model_card', default_value=PathJoinSubstitution(
            [share, 'models', 'fashion_vit', 'card.json'])),
        DeclareLaunchArgument('model', default_value='vit_small_patch16_224'),
        DeclareLaunchArgument('weights', default_value='hub'),
        DeclareLaunchArgument('cloud_params',
                              default_value=PathJoinSubstitution([share, 'config', 'cloud.yaml'])),
        DeclareLaunchArgument('fastdds_profile', default_value=PathJoinSubstitution(
            [share, 'config', 'fastdds_shm.xml'])),
    ]
    return LaunchDescription(args + [
        SetEnvironmentVariable('FASTDDS_DEFAULT_PROFILES_FILE',
                               LaunchConfiguration('fastdds_profile')),
        Node(package='janus_ros', executable='cloud_node',
             namespace=LaunchConfiguration('namespace'), output='screen',
             parameters=[LaunchConfiguration('cloud_params'),
                         {'model.card': LaunchConfiguration('model_card'),
                          'model.name': LaunchConfiguration('model'),
                          'model.weights': LaunchConfiguration('weights')}]),
    ])
