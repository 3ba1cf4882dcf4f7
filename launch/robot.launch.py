# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Robot side: edge node + bandwidth monitor in the robot's namespace.

ros2 launch janus_ros robot.launch.py namespace:=robot1 image_topic:=/camera/image_raw \
    robot_profile:=/path/robot.yaml cloud_profile:=/path/cloud.yaml
"""
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, SetEnvironmentVariable
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    """Edge + monitor, parameters from config/, Fast DDS profile sized for token messages."""
    share = FindPackageShare('janus_ros')
    demo = PathJoinSubstitution([share, 'models', 'fashion_vit'])
    args = [
        DeclareLaunchArgument('namespace', default_value='robot1'),
        DeclareLaunchArgument('image_topic', default_value='image',
                              description='camera topic (sensor_msgs/Image)'),
        DeclareLaunchArgument('model_card',
                              default_value=PathJoinSubstitution([demo, 'card.json']),
                              description="model card; '' to use model/weights instead"),
        DeclareLaunchArgument('model', default_value='vit_small_patch16_224'),
        DeclareLaunchArgument('weights', default_value='hub'),
        DeclareLaunchArgument('edge_params',
                              default_value=PathJoinSubstitution([share, 'config', 'edge.yaml'])),
        DeclareLaunchArgument('monitor_params', default_value=PathJoinSubstitution(
            [share, 'config', 'monitor.yaml'])),
        DeclareLaunchArgument('robot_profile', default_value=PathJoinSubstitution(
            [demo, 'profile_robot.yaml'])),
        DeclareLaunchArgument('cloud_profile', default_value=PathJoinSubstitution(
            [demo, 'profile_cloud.yaml'])),
        DeclareLaunchArgument('fastdds_profile', default_value=PathJoinSubstitution(
            [share, 'config', 'fastdds_shm.xml'])),
    ]
    ns = LaunchConfiguration('namespace')
    return LaunchDescription(args + [
        SetEnvironmentVariable('FASTDDS_DEFAULT_PROFILES_FILE',
                               LaunchConfiguration('fastdds_profile')),
        Node(package='janus_ros', executable='edge_node', namespace=ns, output='screen',
             parameters=[LaunchConfiguration('edge_params'),
                         {'model.card': LaunchConfiguration('model_card'),
                          'model.name': LaunchConfiguration('model'),
                          'model.weights': LaunchConfiguration('weights')}],
             remappings=[('image', LaunchConfiguration('image_topic'))]),
        Node(package='janus_ros', executable='monitor_node', namespace=ns, output='screen',
             parameters=[LaunchConfiguration('monitor_params'),
                         {'robot_profile': LaunchConfiguration('robot_profile'),
                          'cloud_profile': LaunchConfiguration('cloud_profile')}]),
    ])
